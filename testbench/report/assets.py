"""The report's only style sheet and script, inlined into the page and allowed by their CSP hashes.

With hash-based ``script-src``/``style-src`` a ``<script>`` smuggled into the page through a trace
line would not run even if escaping ever failed: the escaping is the first defence, the CSP the second.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root{--line:#d5dae1;--muted:#5f6b7a;--head:#f2f4f7}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;margin:0;
color:#1d2430;background:#fff}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 1.2rem}
h1{font-size:1.6rem;margin:1.2rem 0 .3rem}h2{font-size:1.25rem;margin:1.6rem 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}
th,td{border:1px solid var(--line);padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600}
.narrow{width:auto}.num{text-align:right}
.v{display:inline-block;padding:0 .45rem;border-radius:.25rem;font-weight:600;white-space:nowrap}
.v-pass{background:#dcf5e3;color:#135c2b}.v-fail{background:#fde0e0;color:#8a1414}
.v-error{background:#f6d9f2;color:#6e0f63}.v-inconclusive{background:#fff1cc;color:#6b4e00}
.v-pending{background:#dde9ff;color:#173f8a}.v-none,.v-skipped{background:#eceff3;color:#4a5565}
.cover{border:2px solid #1d2430;padding:1rem 1.2rem;margin:1rem 0}
.cover th{width:16rem}
.cover td th,.cover td td{width:auto}
.cover td td.mono{white-space:nowrap}
.warn{background:#fde0e0;border:2px solid #8a1414;color:#8a1414;padding:.5rem .8rem;font-weight:700;margin:.6rem 0}
.case{border:1px solid var(--line);border-radius:.4rem;padding:.2rem 1rem .8rem;margin:1rem 0}
.case>h2{display:flex;flex-wrap:wrap;gap:.6rem;align-items:baseline}
/* a case off screen is not laid out when the page opens (it opens at once); the script then lays out the rest,
a few at a time (data-laid): Chromium gives a screen reader nothing of a case it has not laid out */
.case{content-visibility:auto;contain-intrinsic-size:auto 40rem}.case[data-laid]{content-visibility:visible}
.lazy-trace>summary{cursor:pointer;color:#0b5394}
.mono,pre,.hash{font:12px/1.35 ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace}
.hash{word-break:break-all}
.trace td{font:12px/1.3 ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;border:0;
border-bottom:1px solid #eef0f3;padding:.1rem .35rem;white-space:pre-wrap;word-break:break-all}
.trace td:nth-child(-n+3){white-space:nowrap;width:1%;word-break:normal}
.trace td.gap{color:var(--muted);font-style:italic;text-align:center;width:auto;white-space:normal}
.ch-apdu{color:#0b5394}.ch-engine{color:#38761d}.ch-app{color:#7f6000}.ch-bench{color:#555}.ch-http{color:#741b47}
.engine-warnings td{background:#fff8e1}
.ok{color:#135c2b}.ko{color:#8a1414;font-weight:600}
.visa-col{width:7rem;text-align:center}
.visa{border:2px dashed #848d9a;padding:.5rem .8rem;margin-top:.8rem;min-height:4.5rem}
.muted{color:var(--muted)}
.toc ul{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;list-style:none;padding:0;margin:.4rem 0}
.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.4rem 0}
.filters input,.filters select{padding:.3rem;font-size:14px}
.filters input{min-width:18rem}
.chart{max-width:100%;height:auto;display:block;margin:.4rem 0}
.chart text{font-family:system-ui,sans-serif;fill:#1d2430}
[hidden]{display:none!important}
.ref{overflow-wrap:anywhere}
/* free text a person or a program wrote (a review's reason, an attestation, a step's detail, an attempt's reason):
a path or a token without spaces breaks inside the cell, so the printed table keeps to the page, nothing cut off */
.free{overflow-wrap:anywhere}
/* a window narrower than the book (beside the traces): identifiers and hashes break and the cover's ATRs wrap,
so that the page does not scroll sideways */
@media screen and (max-width:1100px){
.mono,.hash,td.mono,.trace td{overflow-wrap:anywhere}
.cover th{width:auto}
.cover td td.mono{white-space:normal}
}
/* a phone or a tablet held upright: the page keeps to the screen's width. Label/value tables (.pairs) put each
label above its value; any other table scrolls sideways in its own box (the table element), its rows laid out
as a table of their own, wide enough to read (up to 36rem) and at least the box's width; the charts keep
their drawn size in a box that scrolls (.scroll) rather than shrink to an unreadable font */
@media screen and (max-width:760px){
header,main,footer{padding:0 .6rem}
h1{font-size:1.3rem}
.cover{padding:.5rem .6rem;margin:.6rem 0}
.case{padding:.2rem .5rem .6rem}
table{display:block;max-width:100%;overflow-x:auto}
table>tbody{display:table;width:max-content;min-width:100%;max-width:36rem}
table.narrow>tbody{min-width:0}
.trace,.trace>tbody{display:block;width:auto;min-width:0;max-width:none}
.trace tr{display:flex;flex-wrap:wrap;border-bottom:1px solid #eef0f3}
.trace td{border:0}.trace td:nth-child(-n+3){width:auto}.trace td:last-child{flex:1 1 100%}
.pairs,.pairs>tbody,.pairs>tbody>tr,.pairs>tbody>tr>th,.pairs>tbody>tr>td{display:block;width:auto;max-width:none}
.pairs>tbody>tr{border-bottom:1px solid var(--line)}
.pairs>tbody>tr>th,.pairs>tbody>tr>td{border:0}
.scroll{overflow-x:auto}
.scroll>table{display:table;width:max-content;min-width:100%;max-width:36rem}
.scroll>table>tbody{display:table-row-group;width:auto;min-width:0;max-width:none}
.scroll>.chart{max-width:none}
.filters input{min-width:0;flex:1 1 12rem}
}
@page{size:A4;margin:14mm 12mm}
@media print{
.noprint,.lazy-trace>summary{display:none!important}
body{font-size:11px}
header,main,footer{max-width:none;padding:0}
.cover{page-break-after:always;padding:.6rem .8rem;margin:0}
.cover th{width:8.5rem}
.cover td table{font-size:9px;line-height:1.25;margin:0}
.cover td th,.cover td td{width:auto;padding:.05rem .25rem}
.cover tr{page-break-inside:auto}
.cover td tr{page-break-inside:avoid}
.cover td td.mono{font-size:8px}
#index tbody tr[hidden]{display:table-row!important}
section.case[hidden]{display:block!important}
.case{border:0;border-top:2px solid #333;border-radius:0;page-break-before:always;padding:0;content-visibility:visible}
tr,.visa{page-break-inside:avoid}
/* a heading stays with what it heads: never alone at a page's foot */
h1,h2,h3,h4{break-after:avoid;page-break-after:avoid}
a{color:inherit;text-decoration:none}
}
"""

JS = """
(function(){
var q=document.getElementById("f-text"),v=document.getElementById("f-verdict"),
d=document.getElementById("f-domain"),n=document.getElementById("f-count");
if(!q||!v||!d){return;}
var rows=Array.prototype.slice.call(document.querySelectorAll("#index tbody tr"));
var texts=rows.map(function(r){
return fold(Array.prototype.map.call(r.cells,function(c){return c.textContent;}).join(" "));});
function apply(){
var t=fold(q.value),vv=v.value,dd=d.value,shown=0,by="data-verdict";
if(vv.indexOf("recorded:")===0){by="data-recorded";vv=vv.slice(9);}
rows.forEach(function(r,i){
var ver=r.getAttribute(by);
var ok=(!vv||(vv==="!pass"?ver!=="pass":ver===vv))&&(!dd||r.getAttribute("data-domain")===dd)
&&(!t||texts[i].indexOf(t)>=0);
r.hidden=!ok;var s=document.getElementById(r.getAttribute("data-anchor"));if(s){s.hidden=!ok;}
if(ok){shown++;}});
n.textContent=String(shown);
document.body.setAttribute("data-filtered",String(shown));}
function fold(s){return s.normalize("NFD").replace(/[\\u0300-\\u036f]/g,"").replace(/\\s+/g," ").toLowerCase().trim();}
function option(sel,val){var k=fold(val),found=null;Array.prototype.forEach.call(sel.options,function(o){
if(found===null&&(o.value===val||fold(o.value)===k||fold(o.textContent)===k)){found=o;}});return found;}
function pick(sel,name,val){
var o=option(sel,val),known=JSON.parse(sel.getAttribute("data-known")||"{}"),rec=val.indexOf("recorded:")===0;
var k=known[fold(rec?val.slice(9):val)];
if(o===null&&k){var want=(rec?"recorded:":"")+k[0];o=option(sel,want);
if(o===null){o=document.createElement("option");o.value=want;
o.textContent=rec?sel.getAttribute("data-recorded-label").replace("{verdict}",k[1]):k[1];sel.appendChild(o);}}
if(o!==null){sel.value=o.value;return;}
sel.value="";var u=document.getElementById("f-unknown");if(!u){return;}
var names=Array.prototype.filter.call(sel.options,function(x){return x.value;}).map(function(x){return x.textContent;});
notice(u.getAttribute("data-text").replace("{filter}",name+"="+val).replace("{values}",names.join(", ")));}
function notice(text){var u=document.getElementById("f-unknown");if(!u){return;}
var line=document.createElement("span");line.textContent=text;
if(!u.hidden){u.appendChild(document.createElement("br"));}u.appendChild(line);u.hidden=false;}
var p=new URLSearchParams(window.location.search),u=document.getElementById("f-unknown");
p.forEach(function(val,key){if(u&&["verdict","domain","q"].indexOf(key)<0){
notice(u.getAttribute("data-param").replace("{filter}",key+"="+val));}});
if(p.get("verdict")!==null){pick(v,"verdict",p.get("verdict"));}
if(p.get("domain")!==null){pick(d,"domain",p.get("domain"));}
if(p.get("q")!==null){q.value=p.get("q");}
[q,v,d].forEach(function(e){e.addEventListener("input",apply);e.addEventListener("change",apply);});
apply();
})();
(function(){
function field(s){return s.replace(/\\\\([\\\\tnr])/g,function(m,c){
return c==="t"?"\\t":c==="n"?"\\n":c==="r"?"\\r":"\\\\";});}
function cell(tr,text){var td=document.createElement("td");td.textContent=text;tr.appendChild(td);return td;}
function render(det){
if(det.getAttribute("data-rendered")){return;}
var body=det.querySelector("tbody"),rows=document.createDocumentFragment();
det.getAttribute("data-lines").split("\\n").forEach(function(line){
var f=line.split("\\t").map(field),tr=document.createElement("tr");
if(f.length===1){var td=cell(tr,"\\u2026 "+f[0]+" \\u2026");td.colSpan=4;td.className="gap";}
else{tr.className="ch-"+f[1];f.forEach(function(x){cell(tr,x);});}
rows.appendChild(tr);});
body.appendChild(rows);det.setAttribute("data-rendered","yes");}
var lazy=Array.prototype.slice.call(document.querySelectorAll("details.lazy-trace"));
lazy.forEach(function(det){det.addEventListener("toggle",function(){if(det.open){render(det);}});});
function opened(){var id=decodeURIComponent(window.location.hash.slice(1)),s=id&&document.getElementById(id);
if(s&&s.hidden&&s.classList.contains("case")){s.hidden=false;s.scrollIntoView();}
var det=s&&s.querySelector("details.lazy-trace");if(det){render(det);det.open=true;}}
window.addEventListener("hashchange",opened);
opened();
var shut=[];
window.addEventListener("beforeprint",function(){lazy.forEach(function(det){
if(!det.open){render(det);det.open=true;shut.push(det);}});});
window.addEventListener("afterprint",function(){shut.splice(0).forEach(function(det){det.open=false;});});
})();
(function(){
var rest=Array.prototype.slice.call(document.querySelectorAll("section.case"));
function lay(){rest.splice(0,25).forEach(function(s){s.setAttribute("data-laid","");});void document.body.offsetHeight;
if(rest.length){setTimeout(lay,10);}else{document.body.setAttribute("data-laid","yes");}}
window.addEventListener("load",function(){setTimeout(lay,100);});
})();
"""


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


CSP = (
    "default-src 'none'; "
    f"style-src {csp_hash(CSS)}; "
    f"script-src {csp_hash(JS)}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

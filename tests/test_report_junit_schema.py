"""The JUnit XML of ``run --junit`` and of the report folder validates against the content model the common
JUnit schemas share (Jenkins' junit-4 XSD from dtkit, the xUnit plugin's junit-10): no ``properties`` in a
``testcase``, ``skipped`` with its reason as text and no attribute, the outcome before ``system-out``. The
verdicts each testcase carried as properties are kept, in its ``system-out``."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from testbench.cli.main import main
from testbench.report.junit import case_verdicts

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"

#: written here from the two schemas' rules (the strictest of each), not copied from either
COMMON_JUNIT = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:complexType name="outcome" mixed="true">
    <xs:attribute name="type" type="xs:string"/>
    <xs:attribute name="message" type="xs:string"/>
  </xs:complexType>
  <xs:element name="testsuite">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="properties" minOccurs="0">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="property" maxOccurs="unbounded">
                <xs:complexType>
                  <xs:attribute name="name" type="xs:string" use="required"/>
                  <xs:attribute name="value" type="xs:string" use="required"/>
                </xs:complexType>
              </xs:element>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
        <xs:element name="testcase" minOccurs="0" maxOccurs="unbounded">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="skipped" type="xs:string" minOccurs="0"/>
              <xs:element name="error" type="outcome" minOccurs="0" maxOccurs="unbounded"/>
              <xs:element name="failure" type="outcome" minOccurs="0" maxOccurs="unbounded"/>
              <xs:element name="system-out" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
              <xs:element name="system-err" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
            <xs:attribute name="name" type="xs:string" use="required"/>
            <xs:attribute name="classname" type="xs:string"/>
            <xs:attribute name="time" type="xs:decimal"/>
          </xs:complexType>
        </xs:element>
        <xs:element name="system-out" type="xs:string" minOccurs="0"/>
        <xs:element name="system-err" type="xs:string" minOccurs="0"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
      <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
      <xs:attribute name="time" type="xs:decimal"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


def test_the_junit_of_a_run_and_of_its_report_validate_and_keep_both_verdicts(tmp_path: Path) -> None:
    schema = etree.XMLSchema(etree.fromstring(COMMON_JUNIT))
    session, junit, book = tmp_path / "s.tbsession", tmp_path / "junit.xml", tmp_path / "r"
    selection = ["-k", "DEMO-FSE-001 or DEMO-FSE-030 or DEMO-FSE-099"]  # passes, waits for its operator, fails
    bench = ["--cards", "inprocess", "--engine", "inprocess", "--junit", str(junit), "--report", str(book)]
    assert main(["run", str(DEMO), "--session", str(session), *bench, *selection]) == 2
    for path in (junit, book / "junit.xml"):
        document = etree.parse(str(path))
        assert schema.validate(document), (path, schema.error_log.last_error)
        suite = document.getroot()
        counts = tuple(suite.get(name) for name in ("tests", "failures", "errors", "skipped"))
        assert counts == ("3", "1", "1", "0")  # pending is an error: the run exits 2, the test view is not green
        cases = {tc.get("name"): tc for tc in suite.iter("testcase")}
        assert {name: case_verdicts(tc) for name, tc in cases.items()} == {
            name: {"testbench.verdict.recorded": verdict, "testbench.verdict.retained": verdict}
            for name, verdict in (("DEMO-FSE-001", "pass"), ("DEMO-FSE-030", "pending"), ("DEMO-FSE-099", "fail"))
        }
        pending = cases["DEMO-FSE-030"].find("error")
        assert pending.text == pending.get("message") == "étape manuelle m-paper en attente de l'opérateur"
        assert pending.get("type") == "pending" and cases["DEMO-FSE-030"].find("skipped") is None
        failure = cases["DEMO-FSE-099"].find("failure")
        assert failure.get("message", "").startswith("e-amo : attendu 163,00\u00a0€, observé 163,80\u00a0€")

"""The CLI's tools as core functions, so that the command line and the workstation share one copy.

Each tool does its work once and returns a :class:`~testbench.tools.result.ToolResult`: its exit code and
its lines, each drawn in the language asked when shown (``testbench diff`` prints them; the workstation
shows them in its tool window and draws them again at F2, without doing the work twice).
"""

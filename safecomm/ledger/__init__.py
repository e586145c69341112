"""The 台账: the evidence bundle as an Excel/WPS workbook, the form street offices keep it in.

`layout` reads the sheets and columns off the evidence model, `cells` says how one value sits in
a cell, `write` makes the workbook, `package` checks a workbook's file before it is parsed,
`read` turns one back into the plain data a YAML bundle gives, `words` is what the workbook and
its docs say in Chinese, `scan` compares the attachments folder with the records.
"""

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et")  # names a 台账 may carry (.xlsm, .xls and .et are refused with advice)

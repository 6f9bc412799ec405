"""Libraries as the spreadsheets staff keep (xlsx and csv): reading, writing, templates.

:mod:`.workbook` reads and writes the files (and guards them), :mod:`.cells` reads one cell,
:mod:`.columns` describes each library's columns once, :mod:`.libraries` imports and exports a
library by that description, and :mod:`.needs` is the needs' own column map.
"""

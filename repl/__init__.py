"""kapi.repl -- the interactive q) shell (ptpython style, one concern per module).

* :mod:`.shell`    -- ``run(q)``: the read-eval-print loop
* :mod:`.validate` -- ``is_complete(text)``: when Enter submits vs continues
* :mod:`.keys`     -- key bindings (Enter / Alt-Enter)
* :mod:`.complete` -- completion of names and backtick symbols
* :mod:`.lexer`    -- syntax highlighting (pygments' QLexer)
* :mod:`.history`  -- persistent history in the user's data dir
"""

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from kapi.embed import Interpreter
from kapi.repl.complete import QCompleter


def complete(c, text, explicit=False):
    ev = CompleteEvent(text_inserted=not explicit, completion_requested=explicit)
    return list(c.get_completions(Document(text, len(text)), ev))


def texts(cs):
    return [c.text for c in cs]


def test_keywords():
    q = Interpreter()
    cs = complete(QCompleter(q), "ti")
    assert "til" in texts(cs)
    assert cs[0].start_position == -2


def test_globals_show_up_live():
    q = Interpreter()
    c = QCompleter(q)
    assert "myvar" not in texts(complete(c, "myv"))
    q.console("myvar:42")
    cs = complete(c, "1+myv")
    assert texts(cs) == ["myvar"]
    assert cs[0].display_meta_text == "global"


def test_builtins_listed():
    class Fake:
        keywords = {"count": 1}
        builtins = {"cosh": 1}
        globals = {"cx": 1}
    assert texts(complete(QCompleter(Fake()), "c")) == ["cosh", "count", "cx"]


def test_symbol_provider():
    q = Interpreter()
    c = QCompleter(q, symbols=lambda: ["adagrad", "adam", "adamw", "sgd", "lbfgs"])
    cs = complete(c, "opt(`ada")
    assert texts(cs) == ["adagrad", "adam", "adamw"]
    assert all(x.start_position == -3 for x in cs)
    # keywords are not offered after a backtick
    assert texts(complete(c, "`ti")) == []


def test_symbols_default_to_globals():
    q = Interpreter()
    q.console("trades:1 2 3")
    assert texts(complete(QCompleter(q), "`tr")) == ["trades"]


def test_bare_backtick_only_on_tab():
    c = QCompleter(Interpreter(), symbols=lambda: ["adam", "sgd"])
    assert complete(c, "`") == []
    assert texts(complete(c, "`", explicit=True)) == ["adam", "sgd"]


def test_broken_provider_is_harmless():
    def bad():
        raise RuntimeError("boom")
    assert complete(QCompleter(Interpreter(), symbols=bad), "`a") == []


def test_nothing_in_strings_comments_numbers():
    c = QCompleter(Interpreter())
    assert complete(c, '"ti') == []
    assert complete(c, "1 / ti") == []
    assert complete(c, "1e") == []


def test_tab_on_empty_lists_names():
    assert "til" in texts(complete(QCompleter(Interpreter()), "", explicit=True))
    assert complete(QCompleter(Interpreter()), "") == []

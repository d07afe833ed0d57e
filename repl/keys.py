"""Key bindings for the q) prompt.

* Enter submits the input when it is complete (see :mod:`.validate`) and
  the cursor is on its last line; otherwise it inserts a newline, keeping
  the indentation of the current line.  With a completion selected in the
  menu, Enter just takes that completion.
* Alt-Enter (Esc Enter) submits whatever is there.
* Ctrl-C / Ctrl-D keep prompt_toolkit's meaning: cancel the line / leave
  (on an empty line).
"""

from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import has_focus, has_selection
from prompt_toolkit.key_binding import KeyBindings

from .validate import is_complete

__all__ = ["q_key_bindings", "should_submit"]


def should_submit(document):
    """Enter on ``document`` submits (True) or inserts a newline (False)."""
    if not document.is_cursor_at_the_end and document.cursor_position_row < document.line_count - 1:
        return False
    return is_complete(document.text)


def q_key_bindings():
    kb = KeyBindings()
    focused = has_focus(DEFAULT_BUFFER) & ~has_selection

    @kb.add("enter", filter=focused)
    def _enter(event):
        b = event.current_buffer
        cs = b.complete_state
        if cs is not None and cs.current_completion is not None:
            b.apply_completion(cs.current_completion)
            return
        if should_submit(b.document):
            b.validate_and_handle()
        else:
            b.newline(copy_margin=True)

    @kb.add("escape", "enter", filter=focused)
    def _force(event):
        event.current_buffer.validate_and_handle()

    return kb

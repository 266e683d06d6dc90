"""Style sheet snippets shared by several widgets (kept free of imports: the sign-in
dialog uses them before anything else is loaded)."""

ERROR_STYLE = "color: #b91c1c;"
WARNING_COLOR = "#b45309"  # amber: asks to check, not an error

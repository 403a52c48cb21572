"""Print the README's settings table: ``python -m assistant.settings_doc``."""

from assistant.settings import settings_table

if __name__ == "__main__":
    print(settings_table())

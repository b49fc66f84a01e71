"""Institution text search: the terms a home is found by (names, traditional form, pinyin, initials, USCC),
the index table kept from them, and the one matching condition with its relevance rank."""

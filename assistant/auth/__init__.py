"""Sign-in and access control: signed session cookies, API tokens, local accounts, the route guard."""

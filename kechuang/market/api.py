def register(router) -> None:  # type: ignore[no-untyped-def]
    """Collections of this app are added here as the app is built."""

"""The domain: pure Python, no Qt, no SQL, no files. This is where the law lives."""

"""Release artefacts: the Windows zip for clerks (``release.windows_zip``)."""

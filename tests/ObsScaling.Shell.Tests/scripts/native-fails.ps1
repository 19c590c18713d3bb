# A failing native command whose failure the script handles: pwsh -File exits 0 here, and so must obs.
& dotnet --no-such-option 2>$null | Out-Null
"handled $LASTEXITCODE"

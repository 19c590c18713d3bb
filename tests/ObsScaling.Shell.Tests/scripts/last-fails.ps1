Get-Command no-such-command

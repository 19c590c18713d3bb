param([string]$Name, [int]$Count = 1, [switch]$Loud)
[pscustomobject]@{ Name = $Name; Count = $Count; Loud = [bool]$Loud; Root = $PSScriptRoot; Rest = $args.Count }

param([int]$Code)
'before exit'
exit $Code
'never written'

'started'
throw [System.ArgumentException]::new('bad fit request')

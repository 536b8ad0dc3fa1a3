module example.com/taskboard/export-checksum

go 1.22

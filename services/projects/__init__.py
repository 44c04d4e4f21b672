"""Projects: the project library (扶贫项目库) and its public notices; funds and progress."""

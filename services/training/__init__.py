"""Training service: leader cultivation (致富带头人培育) with its public notice; institutions,
courses, enrolments and trainee archives as its issue fills them in."""

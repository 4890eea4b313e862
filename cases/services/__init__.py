"""State changes of the cases app. Views, serializers, forms, admin and tasks call these;
none of them sets a status or saves a case itself."""

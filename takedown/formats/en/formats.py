# Dates as officers of this language write them, with 24-hour times; the timezone's
# abbreviation where a time is shown alone (records keep UTC: {% utc_and_local %}).
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATETIME_FORMAT = "Y-m-d H:i T"

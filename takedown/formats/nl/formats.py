# Dates as officers of this language write them, with 24-hour times; the timezone's
# abbreviation where a time is shown alone (records keep UTC: {% utc_and_local %}).
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
DATETIME_FORMAT = "d-m-Y H:i T"

# English pages keep ISO dates (2023-10-12), as before the interface was translated;
# Chinese pages use Django's own formats (2023年10月12日).
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"

// MariaDB Connector/C (Debian's libmariadb-dev): the MySQL and TDSQL-MySQL forwarders' client.
#include <mysql.h>

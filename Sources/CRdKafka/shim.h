// librdkafka (Debian's librdkafka-dev): the Kafka forwarder's producer, and its mock cluster for tests.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

// librdkafka (Debian's librdkafka-dev): the Kafka forwarder's producer, and its mock cluster for tests.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

// rd_kafka_producev is variadic (Swift cannot call it): one message with a key, a copied value,
// headers (owned by librdkafka on success) and a per-message opaque for its delivery report.
static inline rd_kafka_resp_err_t thingform_rd_kafka_produce(rd_kafka_t *rk, const char *topic, const void *key, size_t key_len,
                                                             const void *value, size_t value_len, rd_kafka_headers_t *headers,
                                                             void *opaque) {
    return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}

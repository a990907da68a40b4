// mosquitto plugin API v5 entry points. This file only moves strings between mosquitto and the
// Swift side (tf_* functions): every decision is DeviceAuth's.
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include "CMosquittoPlugin.h"

static mosquitto_plugin_id_t *plugin_id = NULL;

static const char *option(struct mosquitto_opt *opts, int count, const char *key) {
    for (int i = 0; i < count; i++) {
        if (opts[i].key && strcmp(opts[i].key, key) == 0) return opts[i].value;
    }
    return NULL;
}

static int on_basic_auth(int event, void *event_data, void *userdata) {
    (void)event; (void)userdata;
    struct mosquitto_evt_basic_auth *ed = event_data;
    int refused = tf_basic_auth((uintptr_t)ed->client, mosquitto_client_id(ed->client), ed->username, ed->password,
                                mosquitto_client_address(ed->client));
    return refused ? MOSQ_ERR_AUTH : MOSQ_ERR_SUCCESS;
}

static int on_acl_check(int event, void *event_data, void *userdata) {
    (void)event; (void)userdata;
    struct mosquitto_evt_acl_check *ed = event_data;
    // Unsubscribing never needs permission.
    if (ed->access == MOSQ_ACL_UNSUBSCRIBE) return MOSQ_ERR_SUCCESS;
    int denied = tf_acl_check((uintptr_t)ed->client, mosquitto_client_id(ed->client), mosquitto_client_username(ed->client),
                              mosquitto_client_address(ed->client), ed->topic, ed->access, ed->qos);
    return denied ? MOSQ_ERR_ACL_DENIED : MOSQ_ERR_SUCCESS;
}

static int on_psk_key(int event, void *event_data, void *userdata) {
    (void)event; (void)userdata;
    struct mosquitto_evt_psk_key *ed = event_data;
    // An unknown identity fails the TLS handshake: no CONNACK at all.
    return tf_psk_key((uintptr_t)ed->client, ed->identity, ed->key, ed->max_key_len) ? MOSQ_ERR_AUTH : MOSQ_ERR_SUCCESS;
}

static int on_message(int event, void *event_data, void *userdata) {
    (void)event; (void)userdata;
    struct mosquitto_evt_message *ed = event_data;
    // Runs before mosquitto acknowledges a QoS 1 publish: an error here means no PUBACK (the
    // client is disconnected and resends), so nothing is acknowledged that is not journaled.
    int failed = tf_message((uintptr_t)ed->client, mosquitto_client_id(ed->client), ed->topic, ed->payload, (int)ed->payloadlen, ed->qos);
    return failed ? MOSQ_ERR_UNKNOWN : MOSQ_ERR_SUCCESS;
}

static int on_disconnect(int event, void *event_data, void *userdata) {
    (void)event; (void)userdata;
    struct mosquitto_evt_disconnect *ed = event_data;
    tf_disconnect((uintptr_t)ed->client, mosquitto_client_id(ed->client), ed->reason);
    return MOSQ_ERR_SUCCESS;
}

static int on_tick(int event, void *event_data, void *userdata) {
    (void)event; (void)event_data; (void)userdata;
    tf_tick();
    return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions) {
    for (int i = 0; i < supported_version_count; i++) {
        if (supported_versions[i] == 5) return 5;
    }
    return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata, struct mosquitto_opt *opts, int opt_count) {
    (void)userdata;
    plugin_id = identifier;
    const char *directory = option(opts, opt_count, "directory");
    if (!directory) {
        mosquitto_log_printf(MOSQ_LOG_ERR, "thingform-mosquitto-auth: plugin_opt_directory is required");
        return MOSQ_ERR_INVAL;
    }
    const char *prefix = option(opts, opt_count, "admin_client_prefix");
    // Optional: without a journal folder the runtime learns nothing but the $thingform/ events.
    const char *journal = option(opts, opt_count, "journal");
    if (tf_plugin_start(directory, prefix ? prefix : "", journal) != 0) return MOSQ_ERR_UNKNOWN;
    int rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, NULL);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_PSK_KEY, on_psk_key, NULL, NULL);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL, NULL);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_TICK, on_tick, NULL, NULL);
    if (rc == MOSQ_ERR_SUCCESS && journal) rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_MESSAGE, on_message, NULL, NULL);
    return rc;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *opts, int opt_count) {
    (void)userdata; (void)opts; (void)opt_count;
    mosquitto_callback_unregister(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
    mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
    mosquitto_callback_unregister(plugin_id, MOSQ_EVT_PSK_KEY, on_psk_key, NULL);
    mosquitto_callback_unregister(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL);
    mosquitto_callback_unregister(plugin_id, MOSQ_EVT_TICK, on_tick, NULL);
    mosquitto_callback_unregister(plugin_id, MOSQ_EVT_MESSAGE, on_message, NULL);
    tf_plugin_stop();
    return MOSQ_ERR_SUCCESS;
}

int tf_broker_publish(const char *topic, const void *payload, int payload_len) {
    return mosquitto_broker_publish_copy(NULL, topic, payload_len, payload, 1, false, NULL);
}

int tf_broker_kick(const char *client_id) {
    return mosquitto_kick_client_by_clientid(client_id, false);
}

void tf_broker_log(int level, const char *message) {
    mosquitto_log_printf(level, "thingform-mosquitto-auth: %s", message);
}

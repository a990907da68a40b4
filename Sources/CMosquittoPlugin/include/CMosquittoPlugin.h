// The mosquitto plugin's C side: the plugin API v5 entry points live in plugin.c; the decisions
// are Swift functions exported with @_cdecl from MosquittoAuthPlugin. Only plain C types cross
// the boundary, so Swift never sees mosquitto's headers.
#pragma once
#include <stdint.h>

// --- Implemented in Swift (MosquittoAuthPlugin), called by plugin.c -----------------------

// Loads the directory file and opens the journal folder (NULL: no journal); 0 when the plugin can
// run (an unreadable directory file is retried later).
int tf_plugin_start(const char *directory_path, const char *admin_client_prefix, const char *journal_path);
void tf_plugin_stop(void);
// 0 = accepted, anything else = refused (CONNACK 5). `client` identifies the connection.
int tf_basic_auth(uintptr_t client, const char *client_id, const char *username, const char *password, const char *address);
// access: 1 = delivery to the client, 2 = publish, 4 = subscribe (MOSQ_ACL_*). 0 = allowed.
int tf_acl_check(uintptr_t client, const char *client_id, const char *username, const char *address,
                 const char *topic, int access, int qos);
// Writes the identity's key as hex (NUL-terminated, at most max_len bytes); 0 = found. The
// client's CONNECT (BASIC_AUTH) then needs no password.
int tf_psk_key(uintptr_t client, const char *identity, char *key_hex, int max_len);
// A publish mosquitto accepted (after the ACL check, before its PUBACK); 0 = journaled or not
// the journal's business, anything else = it could not be journaled and must not be acknowledged.
int tf_message(uintptr_t client, const char *client_id, const char *topic, const void *payload, int payload_len, int qos);
void tf_disconnect(uintptr_t client, const char *client_id, int reason);
// Called on every broker tick: reloads the directory when it changed, kicks revoked clients.
void tf_tick(void);

// --- Implemented in C (plugin.c), called by Swift ------------------------------------------

// QoS 1, not retained, to every subscriber allowed to read the topic. 0 = queued.
int tf_broker_publish(const char *topic, const void *payload, int payload_len);
int tf_broker_kick(const char *client_id);
// level: 1 info, 2 notice, 4 warning, 8 error (MOSQ_LOG_*).
void tf_broker_log(int level, const char *message);

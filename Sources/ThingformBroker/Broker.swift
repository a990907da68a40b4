// Placeholder: the broker supervisor and MQTT client land here.

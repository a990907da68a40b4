import ThingformRuntime

/// The forwarders' clients, one module for every network and database edge of the rule engine
/// (spec: forwarders): each type's sink implements `ForwarderSink` from ThingformRuntime.
public enum ForwarderSinks {}

/// Placeholder: the Geofence engine lands here.

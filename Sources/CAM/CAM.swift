/// Placeholder: the CAM engine lands here.

"""Training pipeline: compose -> train -> evaluate -> package."""

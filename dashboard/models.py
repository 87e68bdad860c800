# The dashboards own no models: they read the other apps' selectors.

"""What ingestion announces to the apps above it. They connect in their AppConfig.ready(); ingestion never imports
them (tests/test_layers.py), and works the same when none is installed."""

from django.dispatch import Signal

# A feed we follow names a WebSub hub. Sent with feed=, hub_url=, topic_url=, context= and explicit= (True when an
# operator asked for a subscription, as `discover --websub` does; False on a routine refresh). Receivers return one
# line saying what they did ("" for nothing); senders use send_robust, so a receiver's failure never fails a refresh.
hub_found = Signal()

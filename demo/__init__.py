"""The demo mission: people, places, plans, queues and alerts at the scale of MINUSCA.

An app of its own because it seeds every other app (clas, alerts, protection_plans) and none
of them may depend on it. `manage.py seed_demo` is its way in.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import navigation_set


class ClasConfig(AppConfig):
    name = "clas"
    verbose_name = _("People and places")

    def ready(self) -> None:
        # clas.navigation reads clas.models, which cannot be imported before the apps are ready.
        from clas.navigation import NAVIGATION

        navigation_set(NAVIGATION)

        from django.db.models.signals import pre_save

        from clas.models import User
        from clas.signals import revoke_tokens_on_credentials_change

        pre_save.connect(
            revoke_tokens_on_credentials_change,
            sender=User,
            dispatch_uid="clas.revoke_tokens_on_credentials_change",
        )

        from django.contrib.auth.signals import user_logged_in

        from clas.middleware import session_expiry_on_login

        user_logged_in.connect(session_expiry_on_login, dispatch_uid="clas.session_expiry_on_login")

        from clas.two_factor import session_device_note

        user_logged_in.connect(session_device_note, dispatch_uid="clas.session_device_note")

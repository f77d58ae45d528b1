from django.utils.translation import gettext_lazy as _

from timpora.core.apps import TimporaAppConfig


class DemoConfig(TimporaAppConfig):
    """The Batam demo: a synthetic population written as exchange files, then loaded.

    It sits above every other app (it uses them all) and nothing imports it.
    """

    default = True
    name = "timpora.demo"
    label = "demo"
    verbose_name = _("Demo")

"""Every write of the cases app, one module per subject: ``cases`` (cases, notes, attachments,
tasks), ``referrals``, ``measures`` (administrative actions and deadlines), ``documents``.
Import from the module; shared helpers are in ``common``."""

"""Authentication backends: who may do what is answered by the permission matrix.

``user.has_perm(name, obj)`` — what templates ask through ``{% has_perm %}`` and the admin through
its checks — goes through every backend in AUTHENTICATION_BACKENDS. The product's own permissions
(``rosters.permissions``) are answered by the matrix alone, through rules' backend; Django's
model permissions (the admin's add, change, delete and view) by the model backend, which is not
asked about the matrix's names (and so reads no permission tables for them).
"""

import rules
from django.contrib.auth.backends import ModelBackend


class ModelPermissionsBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False
        return super().has_perm(user_obj, perm, obj)

"""The two roles of the admin, as groups: "editor" and "viewer".

- editor: adds, changes, views and deletes the records of this app (the admin still refuses
  to delete a meeting that has been published, evidence, or anything other records depend
  on); nothing of users, groups or sign-in records.
- viewer: views the records of this app, and nothing else.

Running it again (or on a database where the groups exist) only adds what is missing; it
never takes a permission away from a group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "editor": ("add", "change", "delete", "view"),
    "viewer": ("view",),
}


def create_groups(apps, schema_editor):
    # Django creates permissions after the whole migrate run (post_migrate), so on a new
    # database they do not exist yet when this runs: make this app's now.
    # (create_permissions skips an app config without models_module, which a migration's is.)
    app_config = apps.get_app_config("meetings")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    model_names = [
        model._meta.model_name
        for model in app_config.get_models()
        if not model._meta.model_name.startswith("historical")  # the edit history is not edited
    ]
    for role, actions in ROLES.items():
        codenames = [f"{action}_{name}" for action in actions for name in model_names]
        permissions = Permission.objects.filter(content_type__app_label="meetings", codename__in=codenames)
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("meetings", "0009_meeting_delete_published_permission"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]

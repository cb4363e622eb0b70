"""Pledges indexed by commitment and status, in place of the index by commitment alone.

The new index is made before the old one goes, so lookups by commitment always have one.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0013_organization_industries'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='pledge',
            index=models.Index(fields=['commitment', 'status'], name='pledge_commitment_status'),
        ),
        migrations.AlterField(
            model_name='pledge',
            name='commitment',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='pledges', to='meetings.commitment'),
        ),
    ]

from django.db import migrations


def load(apps, schema_editor):
    from fridsam.evaluation.question_sets import PARTNER_SURVEY, sync

    sync(apps.get_model("evaluation", "QuestionSet"), apps.get_model("evaluation", "Question"), PARTNER_SURVEY)


class Migration(migrations.Migration):
    """The partner survey joins the shipped question sets."""

    dependencies = [("evaluation", "0003_municipality_scale")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

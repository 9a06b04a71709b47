from django.db import migrations


def load(apps, schema_editor):
    from fridsam.evaluation.question_sets import KNOWLEDGE_SELF_ASSESSMENT, sync

    sync(
        apps.get_model("evaluation", "QuestionSet"), apps.get_model("evaluation", "Question"), KNOWLEDGE_SELF_ASSESSMENT
    )


class Migration(migrations.Migration):
    """The staff's yearly knowledge self-assessment joins the shipped question sets."""

    dependencies = [("evaluation", "0004_partner_survey")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

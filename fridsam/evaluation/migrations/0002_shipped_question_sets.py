from django.db import migrations


def load(apps, schema_editor):
    from fridsam.evaluation.question_sets import SHIPPED, sync

    for definition in SHIPPED:
        sync(apps.get_model("evaluation", "QuestionSet"), apps.get_model("evaluation", "Question"), definition)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

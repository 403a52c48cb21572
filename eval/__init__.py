"""The trainers' question sets, the runner, metrics, report and quiz."""

"""What runs in the background: the Celery task and the simulations it drives."""

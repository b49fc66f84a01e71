"""The supervision loop (双随机、一公开): the inspector roster, the monthly draw, its tasks, their results and
what of them is public."""

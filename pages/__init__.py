"""Public pages (home, about), language selection and error pages."""

from django import forms
from django.contrib.auth import get_user_model

from .models import Message


class SendForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = ["recipient", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, sender, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = (
            get_user_model().objects.filter(is_active=True).exclude(pk=sender.pk)
            .order_by("username"))
        self.fields["recipient"].label_from_instance = lambda user: user.get_username()
        self.fields["recipient"].label = "To"
        self.fields["body"].label = "Message"

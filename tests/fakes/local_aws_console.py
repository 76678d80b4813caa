"""What an instance shows the world beyond its API state (installed by local_aws.load):

1. Its console output. moto answers GetConsoleOutput with the same sample kernel log for every
   instance. `POST /_spawn/console-output {"instance_id", "region"?, "output", "append"?}` sets (or
   appends to) the text an instance's console shows: cloud-init's host-key block, user-data
   output, spored's start, as a real instance prints them. An instance with none set has an
   empty console, as EC2 gives in the first minutes after a launch (no Output element).
2. Its addresses. `POST /_spawn/instance-address {"instance_id", "region"?, "public_ip"}` gives
   an instance a public address (127.0.0.1 in tests: nothing may reach beyond the machine), or
   removes it with "public_ip": null.
3. Its age. `POST /_spawn/instance-launch-time {"instance_id", "region"?, "launch_time"}` (ISO
   8601): an instance launched hours ago, for what it has cost so far.
"""

from __future__ import annotations

import base64
import threading
from typing import Any

_lock = threading.Lock()
_outputs: dict[tuple[str, str], str] = {}  # (region, instance id) -> console text


def install() -> None:
    from moto.core.responses import ActionResult
    from moto.core.utils import utcnow
    from moto.ec2.responses.general import General

    def get_console_output(self: Any) -> Any:
        instance_id = self._get_param("InstanceId")
        instance = self.ec2_backend.get_instance(instance_id)  # InvalidInstanceID.NotFound as EC2
        with _lock:
            text = _outputs.get((self.region, instance.id))
        result: dict[str, Any] = {"InstanceId": instance.id, "Timestamp": utcnow()}
        if text:
            result["Output"] = base64.b64encode(text.encode()).decode()
        return ActionResult(result)

    General.get_console_output = get_console_output


def set_console_output(request: dict[str, Any], account: str = "123456789012") -> dict[str, Any]:
    from moto.ec2.models import ec2_backends

    region = request.get("region", "us-east-1")
    instance = ec2_backends[account][region].get_instance(request["instance_id"])
    with _lock:
        key = (region, instance.id)
        text = request["output"]
        _outputs[key] = (_outputs.get(key, "") + text) if request.get("append") else text
        return {"instance_id": instance.id, "bytes": len(_outputs[key].encode())}


def set_instance_address(request: dict[str, Any], account: str = "123456789012") -> dict[str, Any]:
    from moto.ec2.models import ec2_backends

    region = request.get("region", "us-east-1")
    instance = ec2_backends[account][region].get_instance(request["instance_id"])
    nic = instance.nics[0]
    nic.public_ip = request.get("public_ip")
    return {"instance_id": instance.id, "public_ip": nic.public_ip, "private_ip": instance.private_ip}


def set_instance_launch_time(request: dict[str, Any], account: str = "123456789012") -> dict[str, Any]:
    from datetime import datetime

    from moto.ec2.models import ec2_backends

    region = request.get("region", "us-east-1")
    instance = ec2_backends[account][region].get_instance(request["instance_id"])
    when = datetime.fromisoformat(request["launch_time"].replace("Z", "+00:00"))
    instance.launch_time = when.replace(tzinfo=None)
    return {"instance_id": instance.id, "launch_time": request["launch_time"]}

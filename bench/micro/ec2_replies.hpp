#pragma once
// Synthetic EC2 query replies of realistic shape and size, for the parser benchmarks. Each
// instance item carries what EC2 sends for an ordinary VPC instance (network interface, block
// device, security group, metadata options: about 4 KB) and the tags a job-array member of
// spawn has, so the parser does the work it does against AWS, not against a toy document.
#include <string>

#include <fmt/format.h>

namespace spawn::bench {

// One <item> of an instancesSet: instance `n` of job array "render" (index n), spot when n is odd.
inline std::string instance_item(int n) {
  return fmt::format(R"(<item>
    <instanceId>i-0{0:016x}</instanceId>
    <imageId>ami-0a1b2c3d4e5f60718</imageId>
    <instanceState><code>16</code><name>running</name></instanceState>
    <privateDnsName>ip-10-0-{1}-{2}.ec2.internal</privateDnsName>
    <dnsName>ec2-54-210-{1}-{2}.compute-1.amazonaws.com</dnsName>
    <reason/>
    <keyName>research-key</keyName>
    <amiLaunchIndex>{0}</amiLaunchIndex>
    <productCodes/>
    <instanceType>c7i.large</instanceType>
    <launchTime>2026-11-27T10:00:00.000Z</launchTime>
    <placement><availabilityZone>us-east-1b</availabilityZone><groupName/><tenancy>default</tenancy></placement>
    <monitoring><state>disabled</state></monitoring>
    <subnetId>subnet-0abc1234def567890</subnetId>
    <vpcId>vpc-0abc1234def567890</vpcId>
    <privateIpAddress>10.0.{1}.{2}</privateIpAddress>
    <ipAddress>54.210.{1}.{2}</ipAddress>
    <sourceDestCheck>true</sourceDestCheck>
    <groupSet><item><groupId>sg-0123456789abcdef0</groupId><groupName>spawn-default</groupName></item></groupSet>
    <architecture>x86_64</architecture>
    <rootDeviceType>ebs</rootDeviceType>
    <rootDeviceName>/dev/xvda</rootDeviceName>
    <blockDeviceMapping>
      <item><deviceName>/dev/xvda</deviceName>
        <ebs><volumeId>vol-0{0:016x}</volumeId><status>attached</status>
          <attachTime>2026-11-27T10:00:01.000Z</attachTime><deleteOnTermination>true</deleteOnTermination></ebs>
      </item>
    </blockDeviceMapping>
    <virtualizationType>hvm</virtualizationType>
    <clientToken>spawn-5f0c1e9a-render</clientToken>
    <tagSet>
      <item><key>Name</key><value>render-{0}</value></item>
      <item><key>spawn:managed</key><value>true</value></item>
      <item><key>spawn:created-by</key><value>spawn</value></item>
      <item><key>spawn:version</key><value>0.1.0</value></item>
      <item><key>spawn:job-array-id</key><value>ja-5f0c1e9a</value></item>
      <item><key>spawn:job-array-name</key><value>render</value></item>
      <item><key>spawn:job-array-size</key><value>1000</value></item>
      <item><key>spawn:job-array-index</key><value>{0}</value></item>
      <item><key>team</key><value>ml &amp; vision</value></item>
    </tagSet>
    <hypervisor>xen</hypervisor>
    <networkInterfaceSet>
      <item>
        <networkInterfaceId>eni-0{0:016x}</networkInterfaceId>
        <subnetId>subnet-0abc1234def567890</subnetId>
        <vpcId>vpc-0abc1234def567890</vpcId>
        <description/>
        <ownerId>123456789012</ownerId>
        <status>in-use</status>
        <macAddress>0a:1b:2c:3d:{3:02x}:{4:02x}</macAddress>
        <privateIpAddress>10.0.{1}.{2}</privateIpAddress>
        <privateDnsName>ip-10-0-{1}-{2}.ec2.internal</privateDnsName>
        <sourceDestCheck>true</sourceDestCheck>
        <groupSet><item><groupId>sg-0123456789abcdef0</groupId><groupName>spawn-default</groupName></item></groupSet>
        <attachment><attachmentId>eni-attach-0{0:016x}</attachmentId><deviceIndex>0</deviceIndex>
          <status>attached</status><attachTime>2026-11-27T10:00:00.000Z</attachTime>
          <deleteOnTermination>true</deleteOnTermination><networkCardIndex>0</networkCardIndex></attachment>
        <association><publicIp>54.210.{1}.{2}</publicIp><publicDnsName>ec2-54-210-{1}-{2}.compute-1.amazonaws.com</publicDnsName>
          <ipOwnerId>amazon</ipOwnerId></association>
        <privateIpAddressesSet><item><privateIpAddress>10.0.{1}.{2}</privateIpAddress>
          <privateDnsName>ip-10-0-{1}-{2}.ec2.internal</privateDnsName><primary>true</primary></item></privateIpAddressesSet>
        <ipv6AddressesSet/>
        <interfaceType>interface</interfaceType>
      </item>
    </networkInterfaceSet>
    <iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/spored</arn><id>AIPAEXAMPLE1234567890</id></iamInstanceProfile>
    <ebsOptimized>true</ebsOptimized>
    <enaSupport>true</enaSupport>
    <cpuOptions><coreCount>1</coreCount><threadsPerCore>2</threadsPerCore></cpuOptions>
    <capacityReservationSpecification><capacityReservationPreference>open</capacityReservationPreference></capacityReservationSpecification>
    <hibernationOptions><configured>false</configured></hibernationOptions>
    <metadataOptions><state>applied</state><httpTokens>required</httpTokens><httpPutResponseHopLimit>2</httpPutResponseHopLimit>
      <httpEndpoint>enabled</httpEndpoint><httpProtocolIpv6>disabled</httpProtocolIpv6><instanceMetadataTags>enabled</instanceMetadataTags></metadataOptions>
    <enclaveOptions><enabled>false</enabled></enclaveOptions>
    <bootMode>uefi-preferred</bootMode>
    <platformDetails>Linux/UNIX</platformDetails>
    <usageOperation>RunInstances</usageOperation>
    <maintenanceOptions><autoRecovery>default</autoRecovery></maintenanceOptions>
    <currentInstanceBootMode>legacy-bios</currentInstanceBootMode>{5}
  </item>
)",
                     n, (n / 250) % 256, n % 250 + 2, (n >> 8) & 0xff, n & 0xff,
                     n % 2 ? "\n    <instanceLifecycle>spot</instanceLifecycle>\n    <spotInstanceRequestId>sir-"
                                 + fmt::format("{:08x}", n) + "</spotInstanceRequestId>"
                           : std::string());
}

// A DescribeInstancesResponse page: `count` instances in reservations of `per_reservation`.
inline std::string describe_instances_page(int count, int per_reservation) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
  <reservationSet>
)";
  for (int first = 0; first < count; first += per_reservation) {
    xml += fmt::format("  <item><reservationId>r-0{:016x}</reservationId><ownerId>123456789012</ownerId><groupSet/>\n"
                       "  <instancesSet>\n", first);
    for (int n = first; n < count && n < first + per_reservation; ++n) xml += instance_item(n);
    xml += "  </instancesSet></item>\n";
  }
  xml += "  </reservationSet>\n  <nextToken>eyJ2IjoiMiIsImMiOiJtb3JlIn0=</nextToken>\n</DescribeInstancesResponse>\n";
  return xml;
}

// A RunInstancesResponse for one job array of `count` instances (one reservation).
inline std::string run_instances_reply(int count) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587example</requestId>
  <reservationId>r-0123456789abcdef0</reservationId>
  <ownerId>123456789012</ownerId>
  <groupSet/>
  <instancesSet>
)";
  // Launch indices arrive out of order, as EC2 does not promise an order.
  for (int n = count - 1; n >= 0; --n) xml += instance_item(n);
  xml += "  </instancesSet>\n</RunInstancesResponse>\n";
  return xml;
}

}  // namespace spawn::bench
